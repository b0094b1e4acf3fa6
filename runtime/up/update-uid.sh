#!/bin/sh
# Changes a user's UID and GID in the image to the host user's, so files in
# the bind-mounted workspace belong to the same account on both sides. A
# different user or group that already has the wanted id moves to a free id
# first. Runs as root during an image build.
#
# Input from the environment:
#   REMOTE_USER  name of the user to change
#   NEW_UID      the host user's uid
#   NEW_GID      the host user's gid
set -eu

user=$REMOTE_USER
uid=$NEW_UID
gid=$NEW_GID

entry=$(awk -F: -v name="$user" '$1 == name' /etc/passwd)
if [ -z "$entry" ]; then
  echo "update-uid: user $user not found in /etc/passwd; nothing to change" >&2
  exit 0
fi
old_uid=$(echo "$entry" | cut -d: -f3)
old_gid=$(echo "$entry" | cut -d: -f4)
home=$(echo "$entry" | cut -d: -f6)
group=$(awk -F: -v id="$old_gid" '$3 == id { print $1; exit }' /etc/group)

if [ "$old_uid" = "$uid" ] && [ "$old_gid" = "$gid" ]; then
  exit 0
fi

# Prints the first id from 1000 up that no entry of the file uses.
free_id() {
  awk -F: 'BEGIN { n = 1000 } { used[$3] = 1 } END { while (n in used) n++; print n }' "$1"
}

# Rewrites field 3 (the id) of the entry named $2 in file $1 to $3.
set_id() {
  awk -F: -v OFS=: -v name="$2" -v id="$3" '$1 == name { $3 = id } { print }' "$1" >"$1.update-uid"
  cat "$1.update-uid" >"$1"
  rm -f "$1.update-uid"
}

# Rewrites the primary group (field 4) of user $1 in /etc/passwd to $2.
set_primary_group() {
  awk -F: -v OFS=: -v name="$1" -v id="$2" '$1 == name { $4 = id } { print }' /etc/passwd >/etc/passwd.update-uid
  cat /etc/passwd.update-uid >/etc/passwd
  rm -f /etc/passwd.update-uid
}

if [ "$old_uid" != "$uid" ]; then
  holder=$(awk -F: -v id="$uid" -v name="$user" '$3 == id && $1 != name { print $1; exit }' /etc/passwd)
  if [ -n "$holder" ]; then
    moved=$(free_id /etc/passwd)
    echo "update-uid: moving user $holder from uid $uid to $moved"
    set_id /etc/passwd "$holder" "$moved"
  fi
  set_id /etc/passwd "$user" "$uid"
fi

if [ "$old_gid" != "$gid" ]; then
  holder=$(awk -F: -v id="$gid" -v name="$group" '$3 == id && $1 != name { print $1; exit }' /etc/group)
  if [ -n "$holder" ]; then
    moved=$(free_id /etc/group)
    echo "update-uid: moving group $holder from gid $gid to $moved"
    set_id /etc/group "$holder" "$moved"
    awk -F: -v OFS=: -v old="$gid" -v id="$moved" '$4 == old { $4 = id } { print }' /etc/passwd >/etc/passwd.update-uid
    cat /etc/passwd.update-uid >/etc/passwd
    rm -f /etc/passwd.update-uid
  fi
  if [ -n "$group" ]; then
    set_id /etc/group "$group" "$gid"
  fi
  set_primary_group "$user" "$gid"
fi

if [ -d "$home" ]; then
  chown -R "$uid:$gid" "$home"
fi
echo "update-uid: $user is now $uid:$gid"
