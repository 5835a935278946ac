# shellcheck shell=bash
# Sourced by `start` and `stop`: what one instance's folder is called, and which running
# processes belong to it. Both scripts name an instance the same way, so `stop` finds a
# folder's servers even when their pid files are gone.

# Dovecot and Postfix live in /usr/sbin, which a non-root PATH may lack.
PATH="/usr/sbin:/sbin:$PATH"

# The absolute folder for DIR. Its path goes unquoted into Dovecot's and Postfix's
# configs (and into sed), so it is kept to plain characters.
ts_folder() { # DIR
  local dir
  dir=$(realpath -m -- "$1")
  if [[ ! $dir =~ ^/[A-Za-z0-9._/-]+$ ]]; then
    echo "test-servers: the folder may hold only letters, digits and ._/- : $dir" >&2
    return 64
  fi
  printf '%s\n' "$dir"
}

# Dovecot's instance_name for a folder: its base name plus a checksum of the whole path,
# so that /a/servers and /b/servers never share process titles.
ts_instance() { # folder
  local base sum
  base=$(basename "$1")
  base=${base//[^A-Za-z0-9]/-}
  sum=$(printf '%s' "$1" | cksum)
  printf 'loket-%s-%s\n' "${base:0:20}" "${sum%% *}"
}

# The running Dovecot processes of a folder: the master by its command line
# (`dovecot -c FOLDER/dovecot.conf`), the children by their process titles, which
# Dovecot sets to `dovecot-INSTANCE/service`. Zombies match neither.
ts_dovecot_pids() { # folder instance
  # -ww: never cut command lines to the terminal width (COLUMNS may be set).
  ps -e -ww -o pid=,args= | awk -v conf=" -c $1/dovecot.conf" -v title="dovecot-$2/" -v bare="$2/" '
    { pid = $1; sub(/^ *[0-9]+ /, "") }
    index($0, title) == 1 || index($0, bare) == 1 { print pid; next }
    $1 ~ /(^|\/)dovecot$/ && length($0) > length(conf) &&
      substr($0, length($0) - length(conf) + 1) == conf { print pid }'
}

# The running Postfix processes of a folder: the master and every daemon it starts carry
# MAIL_CONFIG=FOLDER/postfix in their environment (Postfix passes it on by design).
ts_postfix_pids() { # folder
  grep -lzxF "MAIL_CONFIG=$1/postfix" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3 || true
}
