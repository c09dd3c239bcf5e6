#!/bin/bash
# Runs Debian's cron daemon for a test, without touching the machine's own cron: called as
#   unshare -m --propagation private bash cron-namespace.sh DIR
# DIR holds crontab (root's), sendmail (the stand-in MTA). Inside this private mount namespace,
# empty copies are bind-mounted over every path cron reads or writes, and the stand-in over
# /usr/sbin/sendmail. cron's clock runs 30 times fast (libfaketime): `* * * * *` fires every 2 s.
# The process ends up as cron itself (exec), so the caller stops it by this pid.
set -euo pipefail
dir=$1
mkdir -p "$dir/spool" "$dir/cron.d" "$dir/run"
: > "$dir/etc-crontab"
chmod 0730 "$dir/spool"
install -m 0600 "$dir/crontab" "$dir/spool/root"
mount --bind "$dir/spool" /var/spool/cron/crontabs
mount --bind "$dir/cron.d" /etc/cron.d
mount --bind "$dir/etc-crontab" /etc/crontab
mount --bind "$dir/run" /run
mount --bind "$dir/sendmail" /usr/sbin/sendmail
start=$(date -u -d '+1 min' '+%Y-%m-%d %H:%M:55')
export LD_PRELOAD=/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1 FAKETIME="@$start x30"
exec cron -f -L 15
