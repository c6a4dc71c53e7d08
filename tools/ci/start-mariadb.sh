#!/usr/bin/env bash
# Makes MariaDB answer on 127.0.0.1:3306 as root without a password, starting it if needed.
set -uo pipefail
ok() { mariadb -uroot -h127.0.0.1 -P3306 -e 'SELECT 1' >/dev/null 2>&1; }
ok && exit 0
if ! pgrep -x mariadbd >/dev/null; then
  mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld 2>/dev/null
  [ -d /var/lib/mysql/mysql ] || mariadb-install-db --user=mysql --datadir=/var/lib/mysql >/dev/null
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql --bind-address=127.0.0.1
fi
for _ in $(seq 1 60); do
  ok && exit 0
  # A fresh install lets root in only through the socket: allow password-less TCP for the tests.
  if mariadb -uroot -e 'SELECT 1' >/dev/null 2>&1; then
    mariadb -uroot -e "ALTER USER 'root'@'localhost' IDENTIFIED VIA mysql_native_password USING PASSWORD(''); CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY ''; GRANT ALL ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION; FLUSH PRIVILEGES;"
  fi
  sleep 1
done
ok
