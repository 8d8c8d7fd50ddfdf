#!/usr/bin/env bash
# Debian packages the tests need: Chromium (Playwright drives it; `playwright install` cannot
# download here), gettext (compilemessages), prometheus (promtool) and nginx-light (`nginx -t`
# checks deploy/nginx/). Installed automatically under CI=true.
set -u
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v msgfmt >/dev/null || need+=(gettext)
command -v promtool >/dev/null || need+=(prometheus)  # promtool checks deploy/prometheus/
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "${CI:-}" = "true" ] || [ "$(id -u)" = "0" ]; then
  echo "Installing ${need[*]} with apt-get..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null && exit 0
fi
echo "Missing Debian packages: ${need[*]} (sudo apt-get install ${need[*]})." >&2
exit 1
