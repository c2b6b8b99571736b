// An idle node process for memory datasets: the runtime started, a few core modules loaded,
// then waiting on a timer (datasets/real/README.md).
require('http'); require('fs'); require('crypto');
setInterval(() => {}, 1 << 30);
