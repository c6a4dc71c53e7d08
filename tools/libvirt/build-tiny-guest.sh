#!/usr/bin/env bash
# Builds a tiny guest from Debian packages only, for end-to-end tests that boot real QEMU guests:
#
#   OUT/vmlinuz      the Debian kernel (booted directly, no boot loader)
#   OUT/initrd.img   busybox-static plus the virtio modules; /init prints TINY-GUEST-MARKER on
#                    ttyS0, then "DISKS: ..." with the block devices and their serials on every change,
#                    and runs udhcpc on eth0, which prints "IP: eth0 <address>/<prefix> gw <router>"
#                    and "DHCP-OPTIONS: mtu=<mtu> dns=<servers>" once it has a lease
#   OUT/initrd.version  the INITRD_VERSION it was built from: an older one is rebuilt
#   OUT/base.qcow2   a 64 MiB ext4 disk to use as the backing file of instance overlays
#
#   tools/libvirt/build-tiny-guest.sh            (OUT defaults to /var/lib/libvirt/images/stratus-tiny)
#
# Idempotent: existing outputs are kept unless the initramfs is older than INITRD_VERSION. FORCE=1
# rebuilds kernel and initramfs; the base image, which overlays may point at, is rebuilt only with
# FORCE_BASE=1.
set -euo pipefail

OUT="${TINY_GUEST_DIR:-/var/lib/libvirt/images/stratus-tiny}"
# Raise it with every change to what the initramfs holds, so machines that keep OUT rebuild it.
INITRD_VERSION=2
MODULES=(virtio_pci virtio_blk virtio_net ext4)

die() {
  echo "build-tiny-guest: $*" >&2
  exit 1
}

[[ "$(id -u)" -eq 0 ]] || die "must run as root (apt-get download and the image directory)"
for bin in apt-get apt-cache dpkg-deb mkfs.ext4 qemu-img gzip; do
  command -v "$bin" >/dev/null || die "missing $bin"
done

mkdir -p "$OUT"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if [[ -f "$OUT/vmlinuz" && -f "$OUT/initrd.img" && "${FORCE:-0}" != 1 &&
  "$(cat "$OUT/initrd.version" 2>/dev/null)" == "$INITRD_VERSION" ]]; then
  echo "kernel and initramfs (version $INITRD_VERSION) already in $OUT"
else
  # The package linux-image-amd64 points at; a versioned name would go stale with each point release.
  kernel_pkg="$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-/ {print $2; exit}')"
  [[ -n "$kernel_pkg" ]] || die "cannot resolve linux-image-amd64; run apt-get update"
  (cd "$work" && apt-get download -q -o APT::Sandbox::User=root "$kernel_pkg" busybox-static >/dev/null)
  for deb in "$work"/*.deb; do dpkg-deb -x "$deb" "$work/pkgroot"; done

  kdir="$(ls -d "$work"/pkgroot/lib/modules/*)"
  root="$work/initramfs"
  mkdir -p "$root"/{bin,dev,proc,sys,modules,etc/udhcpc}
  cp "$work/pkgroot/bin/busybox" "$root/bin/busybox"

  # The package ships no modules.dep (depmod makes it at install time), so each module's
  # dependencies come from the depends= line of its own .modinfo section.
  declare -A seen=()
  order=()
  add_module() {
    local name="$1" path dep
    path="$(find "$kdir/kernel" -name "$name.ko" -o -name "${name//_/-}.ko" | head -1)"
    [[ -n "$path" ]] || return 0 # built into the kernel
    [[ -z "${seen[$name]:-}" ]] || return 0
    seen[$name]=1
    for dep in $(tr '\0' '\n' <"$path" | sed -n 's/^depends=//p' | tr ',' ' '); do
      add_module "$dep"
    done
    order+=("$path")
  }
  for module in "${MODULES[@]}"; do add_module "$module"; done
  : >"$root/modules/order"
  for path in "${order[@]}"; do
    cp "$path" "$root/modules/"
    basename "$path" >>"$root/modules/order"
  done

  cat >"$root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
while read -r module; do insmod "/modules/$module" 2>/dev/null; done </modules/order
echo "TINY-GUEST-MARKER $(uname -r)"
ip link set lo up
# Quiet but for the script's lines: without a DHCP server it would report every retry.
udhcpc -f -i eth0 -O mtu -s /etc/udhcpc/default.script 2>/dev/null &
last=""
while true; do
  disks=""
  for dev in /sys/block/vd*; do
    [ -e "$dev" ] || continue
    disks="$disks $(basename "$dev")=$(cat "$dev/serial" 2>/dev/null)"
  done
  if [ "$disks" != "$last" ]; then
    echo "DISKS:$disks"
    last="$disks"
  fi
  sleep 1
done
INIT
  chmod +x "$root/init"
  # Busybox's udhcpc runs this with the lease in its environment (ip, mask as a prefix length,
  # router, dns, mtu); it reports a new lease once, and renewals of the same one silently.
  cat >"$root/etc/udhcpc/default.script" <<'SCRIPT'
#!/bin/sh
case "$1" in
deconfig)
  ip addr flush dev "$interface"
  ip link set dev "$interface" up
  ;;
bound | renew)
  [ -n "$mtu" ] && ip link set dev "$interface" mtu "$mtu"
  current="$(ip -4 addr show dev "$interface" | grep -c " $ip/$mask ")"
  if [ "$current" = 0 ]; then
    ip addr flush dev "$interface"
    ip addr add "$ip/$mask" dev "$interface"
  fi
  gateway=""
  for gateway in $router; do break; done
  [ -n "$gateway" ] && ip route replace default via "$gateway" dev "$interface"
  if [ "$current" = 0 ]; then
    echo "IP: $interface $ip/$mask gw ${gateway:-none}"
    echo "DHCP-OPTIONS: mtu=${mtu:-none} dns=$(echo ${dns:-none} | tr ' ' ',')"
  fi
  ;;
esac
exit 0
SCRIPT
  chmod +x "$root/etc/udhcpc/default.script"
  (cd "$root" && find . | "$root/bin/busybox" cpio -o -H newc 2>/dev/null | gzip -9) >"$work/initrd.img"
  cp "$work"/pkgroot/boot/vmlinuz-* "$OUT/vmlinuz"
  mv "$work/initrd.img" "$OUT/initrd.img"
  echo "$INITRD_VERSION" >"$OUT/initrd.version"
  echo "built $OUT/vmlinuz ($kernel_pkg) and $OUT/initrd.img (modules: $(paste -sd, "$root/modules/order"))"
fi

if [[ -f "$OUT/base.qcow2" && "${FORCE_BASE:-0}" != 1 ]]; then
  echo "base image already in $OUT"
else
  mkdir -p "$work/rootfs"
  echo "stratus tiny guest base image" >"$work/rootfs/README"
  mkfs.ext4 -q -F -L tinyroot -d "$work/rootfs" "$work/base.raw" 64M >/dev/null
  qemu-img convert -q -f raw -O qcow2 "$work/base.raw" "$OUT/base.qcow2"
  echo "built $OUT/base.qcow2"
fi
