#!/bin/bash
# verikiosk .deb postrm: stops nothing by itself (dpkg removed the unit file); reloads systemd and
# udev so they forget the package's unit and rules. The kiosk's data in /var/lib/verikiosk and the
# configuration in /etc/verikiosk stay: the audit log must survive a reinstall.
if [ -d /run/systemd/system ]; then
    systemctl daemon-reload || true
fi
if command -v udevadm >/dev/null; then
    udevadm control --reload || true
fi
