#!/bin/sh
# redis-0 is the master; every other pod replicates from it.
PASSWORD=$(cat /etc/redis-passwd/passwd)
if [ "${HOSTNAME}" = "redis-0" ]; then
  exec redis-server --requirepass "${PASSWORD}"
else
  exec redis-server --slaveof redis-0.redis 6379 --masterauth "${PASSWORD}" --requirepass "${PASSWORD}"
fi
