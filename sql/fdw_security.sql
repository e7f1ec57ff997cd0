-- quarry_fdw security, as postgres_fdw does it: a non-superuser reaches a remote only with a
-- password the remote actually asked for; user mapping passwords are shown to nobody else.
\getenv my_host QUARRY_MY_HOST
\getenv my_port QUARRY_MY_PORT
\getenv my_user QUARRY_MY_USER
\getenv my_password QUARRY_MY_PASSWORD
\getenv rs_host QUARRY_RS_HOST
\getenv rs_port QUARRY_RS_PORT
\getenv rs_db QUARRY_RS_DB
\set VERBOSITY terse
CREATE EXTENSION quarry;
CREATE ROLE fdw_alice LOGIN;
CREATE SERVER sec_my FOREIGN DATA WRAPPER quarry_fdw
    OPTIONS (dialect 'mysql', host :'my_host', port :'my_port', dbname 'shop');
CREATE SERVER sec_rs FOREIGN DATA WRAPPER quarry_fdw
    OPTIONS (dialect 'redshift', host :'rs_host', port :'rs_port', dbname :'rs_db');
GRANT USAGE ON FOREIGN SERVER sec_my, sec_rs TO fdw_alice;
CREATE SCHEMA sec;
GRANT USAGE ON SCHEMA sec TO fdw_alice;
CREATE FOREIGN TABLE sec.my_one (x int) SERVER sec_my OPTIONS (table_name 'sec_one');
CREATE FOREIGN TABLE sec.rs_one (x int) SERVER sec_rs OPTIONS (schema_name 'pg_catalog', table_name 'pg_database');
GRANT SELECT ON sec.my_one, sec.rs_one TO fdw_alice;

-- The superuser's own mapping, with its password.
CREATE USER MAPPING FOR CURRENT_USER SERVER sec_my OPTIONS (user :'my_user', password :'my_password');

-- A non-superuser whose mapping has no password cannot connect.
CREATE USER MAPPING FOR fdw_alice SERVER sec_my OPTIONS (user :'my_user');
SET ROLE fdw_alice;
SELECT * FROM sec.my_one;
RESET ROLE;

-- Nor with a password the remote never asked for (the stand-in trusts postgres on loopback).
CREATE USER MAPPING FOR fdw_alice SERVER sec_rs OPTIONS (user 'postgres', password 'ignored');
SET ROLE fdw_alice;
SELECT count(*) > 0 FROM sec.rs_one;
RESET ROLE;

-- Only a superuser may waive the rule.
SET ROLE fdw_alice;
ALTER USER MAPPING FOR fdw_alice SERVER sec_my OPTIONS (ADD password_required 'false');
RESET ROLE;

-- Other roles never see a mapping's password.
SET ROLE fdw_alice;
SELECT srvname, usename, umoptions FROM pg_user_mappings
    WHERE srvname IN ('sec_my', 'sec_rs') ORDER BY srvname, usename COLLATE "C";
RESET ROLE;

-- Unknown and invalid options are rejected at CREATE, naming the option.
CREATE USER MAPPING FOR CURRENT_USER SERVER sec_rs OPTIONS (passwd 'x');
CREATE SERVER sec_bad FOREIGN DATA WRAPPER quarry_fdw OPTIONS (dialect 'mysql', password 'x');
CREATE SERVER sec_bad FOREIGN DATA WRAPPER quarry_fdw OPTIONS (dialect 'oracle');
CREATE SERVER sec_bad FOREIGN DATA WRAPPER quarry_fdw OPTIONS (dialect 'mysql', port '0');
CREATE SERVER sec_bad FOREIGN DATA WRAPPER quarry_fdw OPTIONS (dialect 'mysql', fetch_size 'many');
CREATE SERVER sec_bad FOREIGN DATA WRAPPER quarry_fdw OPTIONS (dialect 'mysql', sslmode 'sometimes');
CREATE SERVER sec_bad FOREIGN DATA WRAPPER quarry_fdw OPTIONS (dialect 'mysql', connect_timeout '-1');
CREATE FOREIGN TABLE sec.bad (x int) SERVER sec_my OPTIONS (tablename 'x');
CREATE FOREIGN TABLE sec.bad (x int OPTIONS (colname 'y')) SERVER sec_my;
CREATE SERVER sec_bad FOREIGN DATA WRAPPER quarry_fdw OPTIONS (host 'localhost');
ALTER SERVER sec_my OPTIONS (DROP dialect);

DROP SCHEMA sec CASCADE;
DROP SERVER sec_my, sec_rs CASCADE;
DROP ROLE fdw_alice;
DROP EXTENSION quarry CASCADE;
