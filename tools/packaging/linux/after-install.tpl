#!/bin/bash
# verikiosk .deb postinst (an electron-builder template: ${executable}, ${sanitizedProductName}).
# Creates the kiosk's system user and groups and sets the Chromium sandbox helper's mode. The
# service is not enabled here: the installer does that once the configuration is in place
# (docs/deploy.md).
set -e

# The user the kiosk runs as: no login shell, its home is the kiosk's state folder.
if ! getent group gpio >/dev/null; then addgroup --system gpio; fi
if ! getent passwd verikiosk >/dev/null; then
    adduser --system --group --home /var/lib/verikiosk --no-create-home --shell /usr/sbin/nologin verikiosk
fi
# The state folder exists before the first start, so `sudo -u verikiosk verikiosk doctor` has a home.
install -d -m 0700 -o verikiosk -g verikiosk /var/lib/verikiosk
for group in dialout gpio video render; do
    if getent group "$group" >/dev/null; then adduser verikiosk "$group" >/dev/null; fi
done
install -d -m 0750 -o root -g verikiosk /etc/verikiosk

# Chromium's sandbox uses user namespaces where the kernel allows them; the SUID helper only where not.
if ! { [[ -L /proc/self/ns/user ]] && unshare --user true; }; then
    chmod 4755 '/opt/${sanitizedProductName}/chrome-sandbox' || true
else
    chmod 0755 '/opt/${sanitizedProductName}/chrome-sandbox' || true
fi

if [ -d /run/systemd/system ]; then
    systemctl daemon-reload || true
fi
if command -v udevadm >/dev/null; then
    udevadm control --reload || true
    udevadm trigger --subsystem-match=tty --subsystem-match=gpio --subsystem-match=video4linux || true
fi
