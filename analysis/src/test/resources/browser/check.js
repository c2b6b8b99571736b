// Injected by ReportInBrowserTest into a copy of report.html (next to it, so its relative links
// resolve the same): once the page has loaded, check every image decoded, every in-page anchor
// has its target and every relative link can be read, then write the findings into a pre
// element with id ksmlab-check, for the test to read from chromium's --dump-dom.
window.addEventListener('load', () => {
  const problems = [];
  const images = [...document.images];
  for (const img of images) {
    if (!img.complete || img.naturalWidth === 0) problems.push('image not loaded: ' + img.alt);
  }
  const links = [...document.querySelectorAll('a[href]')];
  for (const a of links) {
    const href = a.getAttribute('href');
    if (href.startsWith('#')) {
      if (!document.getElementById(href.slice(1))) problems.push('broken anchor: ' + href);
      continue;
    }
    try {
      const x = new XMLHttpRequest();
      x.open('GET', href, false); // file:// needs --allow-file-access-from-files
      x.send();
      if (!(x.status === 200 || (x.status === 0 && x.responseText.length > 0))) {
        problems.push('broken link: ' + href + ' (status ' + x.status + ')');
      }
    } catch (e) {
      problems.push('broken link: ' + href + ' (' + e.name + ')');
    }
  }
  const pre = document.createElement('pre');
  pre.id = 'ksmlab-check';
  pre.textContent = 'images=' + images.length + ' links=' + links.length
      + ' tables=' + document.querySelectorAll('table').length
      + ' height=' + Math.round(document.body.getBoundingClientRect().height)
      + (problems.length ? '\n' + problems.join('\n') : '');
  document.body.appendChild(pre);
});
