#!/usr/bin/env python3
"""analyze_s15.py TRACE [--batches | --on-cpu] — ksmd's batches from a trace_ksmd.sh recording (issue 14).

ksmd's pid is taken from the trace (the task that emits timer_start for process_timeout and is named ksmd).
A batch starts when ksmd is woken (sched_wakeup: its sleep's timer expired, or run=1 was written) and ends when
it arms the timer of its next sleep (timer_start, from schedule_timeout). Per batch: the wake-up time, the wake-up
latency (wakeup -> first switch onto a CPU; 0 when the trace shows no switch because the CPU was idle and the
tracepoint was not hit), the batch's wall time (on CPU -> timer_start), its CPU time (sum of on-CPU stretches,
up to timer_start), whether it was preempted, the jiffy it slept at, the timer's timeout and the round-up to its
bucket (jiffies), how late the timer ran (jiffies at expiry minus bucket), and the period (wake-up to next wake-up).
Prints per full scan (the seq of ksm_start_scan) and overall: n, median, range, mean. Times in ms.
"""
import re, sys, statistics as st, collections

LINE = re.compile(r'^\s*(?P<task>.+?)-(?P<pid>\d+)\s+\[(?P<cpu>\d+)\]\s+\S+\s+(?P<ts>\d+\.\d+):\s+(?P<ev>\w+):\s+(?P<rest>.*)$')

def parse(path):
    evs = []
    for line in open(path):
        if line.startswith('#'):
            continue
        m = LINE.match(line)
        if m:
            evs.append((float(m['ts']) * 1e3, int(m['pid']), m['task'].strip(), m['ev'], m['rest']))
    return evs

def kv(rest):
    return dict(re.findall(r'(\w+)=(\S+)', rest))

def batches(evs):
    ksmd = next((pid for ts, pid, task, ev, rest in evs if task == 'ksmd'), None)
    if ksmd is None:
        ksmd = next(int(kv(rest)['next_pid']) for ts, pid, task, ev, rest in evs if ev == 'sched_switch' and kv(rest)['next_comm'] == 'ksmd')
    out, cur, on_since, seq = [], None, None, None
    timers = {}  # timer address -> batch that armed it
    for ts, pid, task, ev, rest in evs:
        if ev == 'ksm_start_scan':
            seq = int(re.search(r'seq (\d+)', rest).group(1))
        elif ev == 'sched_wakeup':
            if cur is None:
                cur = {'wake': ts, 'on': None, 'cpu': 0.0, 'preempt': 0, 'seq': seq}
        elif ev == 'sched_switch':
            d = kv(rest)
            if int(d['next_pid']) == ksmd:
                on_since = ts
                if cur is None:  # run=1 while ksmd was runnable
                    cur = {'wake': ts, 'on': None, 'cpu': 0.0, 'preempt': 0, 'seq': seq}
                if cur['on'] is None:
                    cur['on'] = ts
            elif int(d['prev_pid']) == ksmd:
                if cur is not None:
                    if cur['on'] is None:
                        cur['on'] = cur['wake']
                    cur['cpu'] += ts - (on_since if on_since is not None else cur['wake'])
                    if d['prev_state'].startswith('R'):
                        cur['preempt'] += 1
                on_since = None
        elif ev == 'timer_start' and pid == ksmd and cur is not None:
            if cur['on'] is None:
                cur['on'] = cur['wake']
            cur['cpu'] += ts - (on_since if on_since is not None else cur['on'])
            on_since = ts  # the few us to the switch-out are not counted
            d = kv(rest)
            expires = int(d['expires'])
            timeout = int(re.search(r'timeout=(-?\d+)', rest).group(1))
            cur.update(end=ts, sleep_jiffy=expires - timeout, timeout=timeout, bucket=int(d['bucket_expiry']), seq=cur['seq'] if cur['seq'] is not None else seq)
            timers[d['timer']] = cur
            out.append(cur)
            cur = None
            on_since = None
        elif ev == 'timer_expire_entry':
            d = kv(rest)
            b = timers.pop(d['timer'], None)
            if b is not None:
                b['late'] = int(d['now']) - b['bucket']
                b['expire_idle'] = task == '<idle>'
        elif ev == 'ksm_advisor':
            if out:
                out[-1]['advisor'] = rest
    for a, b in zip(out, out[1:]):
        a['period'] = b['wake'] - a['wake']
        a['period_jiffies'] = b['sleep_jiffy'] - a['sleep_jiffy']
    return out

def summary(name, xs):
    xs = [x for x in xs if x is not None]
    if not xs:
        return f'{name}: -'
    return f'{name}: n={len(xs)} median {st.median(xs):.3f} [{min(xs):.3f}-{max(xs):.3f}] mean {st.mean(xs):.3f}'

def on_cpu(evs):
    """ksmd's time between its first switch-in and its last switch-out: on a CPU, runnable but
    preempted (R), blocked (D: lru_add_drain_all, a mutex) and asleep (S), in ms."""
    ksmd = next((pid for ts, pid, task, ev, rest in evs if task == 'ksmd'), None)
    tot, cnt, on, off, state, first, last = collections.Counter(), collections.Counter(), None, None, None, None, None
    for ts, pid, task, ev, rest in evs:
        if ev != 'sched_switch':
            continue
        d = kv(rest)
        if int(d['next_pid']) == ksmd:
            first = ts if first is None else first
            if off is not None:
                tot[state] += ts - off
                cnt[state] += 1
            on = ts
        elif int(d['prev_pid']) == ksmd and on is not None:
            tot['on cpu'] += ts - on
            on, off, state, last = None, ts, d['prev_state'].rstrip('+'), ts
    return tot, cnt, (last - first) if first is not None and last is not None else 0

def main():
    if '--on-cpu' in sys.argv:
        tot, cnt, span = on_cpu(parse(sys.argv[1]))
        print(f'span {span:.3f} ms: ' + ', '.join(f'{k} {v:.3f} ms' + (f' ({cnt[k]} times)' if k in cnt else '') for k, v in tot.items()))
        return
    bs = batches(parse(sys.argv[1]))
    if '--batches' in sys.argv:
        print('i seq wake_ms latency_ms wall_ms cpu_ms preempt sleep_jiffy timeout bucket-sleep late idle period_ms')
        t0 = bs[0]['wake'] if bs else 0
        for i, b in enumerate(bs):
            print(i, b.get('seq'), f"{b['wake'] - t0:.3f}", f"{b['on'] - b['wake']:.3f}", f"{b['end'] - b['on']:.3f}", f"{b['cpu']:.3f}",
                  b['preempt'], b['sleep_jiffy'], b['timeout'], b['bucket'] - b['sleep_jiffy'], b.get('late'), int(b.get('expire_idle', 0)),
                  f"{b.get('period', float('nan')):.3f}", b.get('advisor', ''))
    seqs = sorted({b.get('seq') for b in bs if b.get('seq') is not None})
    for s in seqs + ['all']:
        sel = bs if s == 'all' else [b for b in bs if b.get('seq') == s]
        print(f'== seq {s}: {len(sel)} batches')
        print('  ' + summary('period', [b.get('period') for b in sel]))
        print('  ' + summary('wake-up latency', [b['on'] - b['wake'] for b in sel]))
        print('  ' + summary('batch wall', [b['end'] - b['on'] for b in sel]))
        print('  ' + summary('batch cpu', [b['cpu'] for b in sel]))
        print('  periods in jiffies (sleep_jiffy to next sleep_jiffy):', dict(sorted(collections.Counter(b['period_jiffies'] for b in sel if 'period_jiffies' in b).items())))
        print('  timer late by (jiffies), (idle CPU at expiry):', dict(sorted(collections.Counter((b.get('late'), b.get('expire_idle')) for b in sel).items(), key=str)))
        print('  timeout, bucket round-up (jiffies):', sorted({(b['timeout'], b['bucket'] - b['sleep_jiffy']) for b in sel}))
        print('  preempted batches:', sum(1 for b in sel if b['preempt']), ' wake-up latency > 1 ms:', sum(1 for b in sel if b['on'] - b['wake'] > 1))
    for a in [b['advisor'] for b in bs if 'advisor' in b]:
        print('advisor:', a)

main()
