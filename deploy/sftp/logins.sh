#!/bin/sh
# Keeps one system login per EDI connection declared in the portal (a .pub and a .dossier file in
# /srv/edi/.comptes-sftp/), then runs sshd. New connections are picked up every 15 seconds.
set -eu
ROOT=/srv/edi
LOGINS=$ROOT/.comptes-sftp
mkdir -p /etc/ssh/keys "$LOGINS"
[ -f /etc/ssh/keys/ssh_host_ed25519_key ] || ssh-keygen -q -t ed25519 -N "" -f /etc/ssh/keys/ssh_host_ed25519_key
[ -f /etc/ssh/keys/ssh_host_rsa_key ] || ssh-keygen -q -t rsa -b 3072 -N "" -f /etc/ssh/keys/ssh_host_rsa_key
grep -q '^edi:' /etc/group || addgroup -S edi

sync_logins() {
  for key in "$LOGINS"/*.pub; do
    [ -e "$key" ] || continue
    login=$(basename "$key" .pub)
    folder=$(cat "$LOGINS/$login.dossier" 2>/dev/null || true)
    case "$login:$folder" in
      edi-*:*-*) ;;
      *) continue ;;
    esac
    home=$ROOT/$folder
    [ -d "$home/entrant" ] || continue
    if ! id "$login" >/dev/null 2>&1; then
      adduser -D -H -h "$home" -s /sbin/nologin -G edi "$login"
      # Key logins only; "*" is not a locked account for sshd, "!" would be.
      sed -i "s/^$login:!/$login:*/" /etc/shadow
    fi
    # The chroot is root's; the login writes entrant/ and takes its files from sortant/.
    chown root:root "$home" && chmod 755 "$home"
    chown "$login" "$home/entrant" "$home/sortant"
    chmod 644 "$key"
  done
}

sync_logins
(while sleep 15; do sync_logins; done) &
exec /usr/sbin/sshd -D -e
