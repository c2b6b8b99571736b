#!/usr/bin/env bash
# Sets up a single-node Slurm cluster on this machine from the distribution's packages, to run
# batch/slurm/submit.sh (and tests/slurm.sh) without a real cluster. Debian/Ubuntu, as root.
# It installs slurm-wlm and munge (apt-get), writes /etc/slurm/slurm.conf for this host (one
# node with all its CPUs, one partition 'debug'; process tracking without cgroups, so it works
# in containers and VMs without systemd), creates a munge key if there is none, and starts
# munged, slurmctld and slurmd directly (no service manager needed). Idempotent: daemons
# already running are left alone. It changes the system (packages, /etc/slurm, /etc/munge,
# daemons): say so before running it on a shared machine.
#
#   sudo batch/slurm/install-single-node.sh
set -euo pipefail
[[ $(id -u) == 0 ]] || { echo "install-single-node.sh: run as root (it installs packages and starts daemons)" >&2; exit 1; }
command -v apt-get >/dev/null || { echo "install-single-node.sh: needs apt-get (Debian/Ubuntu)" >&2; exit 1; }
echo "install-single-node.sh: installing slurm-wlm and munge (apt-get)"
if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null
fi
host=$(hostname -s)
cpus=$(nproc)
mem_mb=$(( $(sed -n 's/^MemTotal:[[:space:]]*\([0-9]*\) kB/\1/p' /proc/meminfo) / 1024 - 512 ))
mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm /run/munge
if [[ ! -f /etc/slurm/slurm.conf ]] || ! grep -q '^# written by ksmlab' /etc/slurm/slurm.conf; then
  echo "install-single-node.sh: writing /etc/slurm/slurm.conf (node $host, $cpus CPUs)"
  cat > /etc/slurm/slurm.conf <<CONF
# written by ksmlab batch/slurm/install-single-node.sh: a single-node cluster for tests
ClusterName=ksmlab
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
SwitchType=switch/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
NodeName=$host CPUs=$cpus RealMemory=$mem_mb State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
fi
if [[ ! -s /etc/munge/munge.key ]]; then
  echo "install-single-node.sh: creating /etc/munge/munge.key"
  mungekey --create --force 2>/dev/null || dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
fi
chown munge:munge /etc/munge/munge.key /run/munge 2>/dev/null || true
chmod 400 /etc/munge/munge.key
pgrep -x munged >/dev/null || { echo "install-single-node.sh: starting munged"; runuser -u munge -- munged; }
pgrep -x slurmctld >/dev/null || { echo "install-single-node.sh: starting slurmctld"; slurmctld; }
pgrep -x slurmd >/dev/null || { echo "install-single-node.sh: starting slurmd"; slurmd; }
for _ in $(seq 1 30); do
  if sinfo -h -o '%T' 2>/dev/null | grep -qE '^(idle|mixed|allocated)'; then
    echo "install-single-node.sh: ready:"; sinfo; exit 0
  fi
  sleep 1
done
echo "install-single-node.sh: the node did not come up; see /var/log/slurm/slurmctld.log and slurmd.log" >&2
sinfo >&2 || true
exit 1
