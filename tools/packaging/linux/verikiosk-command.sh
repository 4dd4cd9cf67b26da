#!/bin/sh
# /usr/bin/verikiosk: the kiosk's command line (doctor, verify, lists, pin, enrol, sync, audit, …),
# run by the kiosk's own Electron binary without a display — the fuses forbid it to act as Node.
# Chromium refuses to start as root with its sandbox; this mode loads no web content, so for
# `sudo verikiosk …` the sandbox is not needed.
sandbox=
if [ "$(id -u)" -eq 0 ]; then sandbox=--no-sandbox; fi
exec /opt/verikiosk/verikiosk --ozone-platform=headless --disable-gpu $sandbox --verikiosk-cli "$@"
