#!/usr/bin/env bash
# Starts virtlogd and libvirtd by hand, for machines without systemd (CI runners, dev containers).
#
#   tools/libvirt/start-libvirtd.sh [start|stop|restart|status]
#
# start (the default) is idempotent: a daemon that already answers is left alone.
# libvirtd runs inside its own network namespace (LIBVIRT_NETNS, default "stratus-lv"), so the
# bridges, dnsmasq, firewall rules and taps it creates never touch the host's network. Its control
# socket is a file (/run/libvirt/libvirt-sock), so clients reach it from any namespace.
# LIBVIRT_NETNS= (empty) starts it in the current namespace, which is what a real compute host wants.
#
# restart and stop touch libvirtd only: restarting libvirtd keeps guests running, whereas killing
# virtlogd silently ends serial-console logging for every running guest.
set -euo pipefail

NETNS="${LIBVIRT_NETNS-stratus-lv}"
SOCKET=/run/libvirt/libvirt-sock
LIBVIRTD_PID=/run/libvirtd.pid
VIRTLOGD_PID=/run/virtlogd.pid
LOG_DIR=/var/log/libvirt
WAIT_SECONDS="${LIBVIRT_WAIT_SECONDS:-60}"

die() {
  echo "start-libvirtd: $*" >&2
  exit 1
}

alive() {
  [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null
}

check_prerequisites() {
  [[ "$(id -u)" -eq 0 ]] || die "must run as root"
  local missing=()
  for bin in libvirtd virtlogd virsh ip; do
    command -v "$bin" >/dev/null || missing+=("$bin")
  done
  if ((${#missing[@]})); then
    die "missing ${missing[*]}; install with:
  apt-get -o DPkg::Lock::Timeout=900 install -y --no-install-recommends \\
    libvirt-daemon-system libvirt-clients libvirt-daemon-driver-qemu qemu-system-x86 qemu-utils"
  fi
}

start_virtlogd() {
  if alive "$VIRTLOGD_PID"; then
    return
  fi
  LIBVIRT_LOG_OUTPUTS="3:file:$LOG_DIR/virtlogd.log" virtlogd --daemon --pid-file "$VIRTLOGD_PID"
}

# Without udev nothing applies Debian's rule for /dev/kvm (group kvm, mode 0660), so only root can
# open it. libvirt then probes QEMU's capabilities with KVM but finds /dev/kvm closed to the QEMU
# user when it checks its cache, throws the cache away and probes again (two QEMU runs, about 4 s)
# on every define and start. Applying the rule by hand keeps the cache valid. Guests still run
# under TCG when their domain type is 'qemu'.
apply_kvm_udev_rule() {
  [[ -c /dev/kvm ]] && getent group kvm >/dev/null || return 0
  if [[ "$(stat -c %G:%a /dev/kvm)" != kvm:660 ]]; then
    chgrp kvm /dev/kvm
    chmod 0660 /dev/kvm
  fi
}

ensure_netns() {
  [[ -n "$NETNS" ]] || return 0
  if ! ip netns list | grep -qw "$NETNS"; then
    ip netns add "$NETNS"
  fi
  ip -n "$NETNS" link set lo up
  # Only the namespace's own forwarding: libvirt's NAT networks need it, the host's stays as it was.
  ip netns exec "$NETNS" sysctl -qw net.ipv4.ip_forward=1
}

# `ip netns exec` gives the command a fresh /sys, which hides the cgroup hierarchies libvirt needs
# to place QEMU. Binding the originals across mount namespaces fails, so the same hierarchies are
# mounted again, read from this namespace's mount table.
cgroup_remount_script() {
  local script='mount -t tmpfs -o mode=755 cgroup_root /sys/fs/cgroup'
  local dev dir type opts rest
  while read -r dev dir type opts rest; do
    case "$type" in
      cgroup | cgroup2)
        local keep
        keep="$(echo "$opts" | tr ',' '\n' | grep -vE '^(rw|ro|relatime|noatime|nosuid|nodev|noexec)$' | paste -sd, || true)"
        script+="; mkdir -p '$dir'; mount -t $type ${keep:+-o $keep} $dev '$dir'"
        ;;
    esac
  done < <(grep -E ' /sys/fs/cgroup/[^ ]+ cgroup2? ' /proc/self/mounts)
  echo "$script"
}

start_libvirtd() {
  if alive "$LIBVIRTD_PID" && [[ -S "$SOCKET" ]]; then
    return
  fi
  mkdir -p /run/libvirt "$LOG_DIR"
  local env=(LIBVIRT_LOG_OUTPUTS="3:file:$LOG_DIR/libvirtd.log")
  if [[ -n "$NETNS" ]]; then
    ip netns exec "$NETNS" env "${env[@]}" sh -c \
      "$(cgroup_remount_script); exec libvirtd --daemon --pid-file $LIBVIRTD_PID"
  else
    env "${env[@]}" libvirtd --daemon --pid-file "$LIBVIRTD_PID"
  fi
}

wait_for_socket() {
  local deadline=$((SECONDS + WAIT_SECONDS))
  until [[ -S "$SOCKET" ]] && virsh -q -c test+unix:///default version >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      die "libvirtd did not answer on $SOCKET within ${WAIT_SECONDS}s; see $LOG_DIR/libvirtd.log"
    fi
    sleep 0.2
  done
}

stop_libvirtd() {
  alive "$LIBVIRTD_PID" || return 0
  local pid
  pid="$(cat "$LIBVIRTD_PID")"
  kill "$pid"
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  die "libvirtd (pid $pid) did not stop"
}

status() {
  alive "$VIRTLOGD_PID" && echo "virtlogd running (pid $(cat "$VIRTLOGD_PID"))" || echo "virtlogd stopped"
  if alive "$LIBVIRTD_PID"; then
    echo "libvirtd running (pid $(cat "$LIBVIRTD_PID"), netns ${NETNS:-<host>}, socket $SOCKET)"
  else
    echo "libvirtd stopped"
    return 1
  fi
}

case "${1:-start}" in
  start)
    check_prerequisites
    apply_kvm_udev_rule
    start_virtlogd
    ensure_netns
    start_libvirtd
    wait_for_socket
    status
    ;;
  restart)
    check_prerequisites
    apply_kvm_udev_rule
    stop_libvirtd
    start_virtlogd
    ensure_netns
    start_libvirtd
    wait_for_socket
    status
    ;;
  stop)
    stop_libvirtd
    ;;
  status)
    status
    ;;
  *)
    die "usage: $0 [start|stop|restart|status]"
    ;;
esac
