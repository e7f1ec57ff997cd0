-- The job queue (docs/worker.md): submit validates and queues, wait returns quarry.run's result,
-- cancel of a queued job, the jobs view. The primary preloads quarry (scripts/servers.sh).
CREATE EXTENSION IF NOT EXISTS quarry;
\set VERBOSITY terse

CREATE TABLE wq_sales (id int, region text, amount numeric);
INSERT INTO wq_sales VALUES (1, 'north', 10), (2, 'south', 5.5), (3, 'north', 1), (4, NULL, 2);

-- A wrong spec is an ERROR at submit, with the spec's SQLSTATE; nothing is queued.
SELECT quarry.submit('{"source": "wq_sales", "metrics": [{"column": "amount", "agg": "total"}]}');
SELECT quarry.submit('{"source": "wq_nowhere"}');
SELECT quarry.submit('{"source": "wq_sales", "groupby": ["no_such_column"]}');
SELECT quarry.submit('{"source": "wq_sales"}', NULL, 'urgent');
SELECT quarry.submit(NULL);
SELECT count(*) AS queued_after_errors FROM quarry.jobs;

-- submit + wait: the same result as quarry.run (rows and columns; meta has timings).
SELECT quarry.submit('{"source": "wq_sales", "groupby": ["region"], "metrics": ["amount"], "order": ["region"]}') AS job \gset
SELECT r->'rows' AS rows, r->'columns' = quarry.run('{"source": "wq_sales", "groupby": ["region"], "metrics": ["amount"], "order": ["region"]}')->'columns' AS same_columns,
       r->'rows' = quarry.run('{"source": "wq_sales", "groupby": ["region"], "metrics": ["amount"], "order": ["region"]}')->'rows' AS same_rows
FROM quarry.wait(:job) AS r;
SELECT tenant, channel, state, priority, started_at >= submitted_at AS started_after_submit,
       finished_at >= started_at AS finished_after_start, error, attempts
FROM quarry.jobs WHERE id = :job;

-- Waiting on a job submitted in the same (uncommitted) transaction is an error, not a hang.
BEGIN;
SELECT quarry.submit('{"source": "wq_sales", "metrics": ["amount"]}') AS job_in_tx \gset
SELECT quarry.wait(:job_in_tx, 100);
ROLLBACK;

-- A queued job cancelled before any worker could see it (same transaction): cancelled, and
-- wait reports the state.
BEGIN;
SELECT quarry.submit('{"source": "wq_sales", "metrics": ["amount"]}', NULL, 'background') AS job_c \gset
SELECT quarry.cancel(:job_c) AS cancelled;
COMMIT;
SELECT state, priority, error, started_at IS NULL AS never_started FROM quarry.jobs WHERE id = :job_c;
SELECT quarry.wait(:job_c) - 'job' AS waited;
SELECT quarry.cancel(:job_c) AS cancelled_again;
SELECT quarry.cancel(-1);
SELECT quarry.wait(-1);

-- Superseding inside one transaction: the older queued job on the channel is superseded.
BEGIN;
SELECT quarry.submit('{"source": "wq_sales", "metrics": ["amount"]}', 'widget-1') AS job_old \gset
SELECT quarry.submit('{"source": "wq_sales", "metrics": ["amount"], "limit": 1}', 'widget-1') AS job_new \gset
COMMIT;
SELECT state, error = format('superseded by job %s', :job_new) AS names_successor
FROM quarry.jobs WHERE id = :job_old;
SELECT quarry.wait(:job_new)->'rows' AS newest_rows;

-- Tenancy: quarry.tenant, else the role's name. Each role sees only its own jobs.
CREATE ROLE wq_alice;
CREATE ROLE wq_bob;
GRANT SELECT ON wq_sales TO wq_alice, wq_bob;
SET ROLE wq_alice;
SELECT quarry.submit('{"source": "wq_sales", "metrics": ["amount"], "limit": 2}') AS job_a \gset
SET quarry.tenant = 'acme';
SELECT quarry.submit('{"source": "wq_sales", "metrics": ["amount"], "limit": 3}') AS job_a2 \gset
RESET quarry.tenant;
SELECT quarry.wait(:job_a)->'rows' AS alice_rows;
SELECT quarry.wait(:job_a2)->'rows' AS alice_rows_acme;
SELECT role, tenant, state FROM quarry.jobs ORDER BY id;
SET ROLE wq_bob;
SELECT count(*) AS bob_sees FROM quarry.jobs;
SELECT quarry.wait(:job_a);
SELECT quarry.cancel(:job_a);
RESET ROLE;
SELECT count(*) >= 4 AS superuser_sees_all FROM quarry.jobs;

-- A job runs with its submitter's rights: a role without SELECT on the source fails, and wait
-- raises the job's error with its SQLSTATE.
CREATE TABLE wq_secret (id int, amount numeric);
SET ROLE wq_bob;
SELECT quarry.submit('{"source": "wq_secret", "metrics": ["amount"]}') AS job_s \gset
SELECT quarry.wait(:job_s);
RESET ROLE;
SELECT state, sqlstate FROM quarry.jobs WHERE id = :job_s;

DROP TABLE wq_secret;
REVOKE ALL ON wq_sales FROM wq_alice, wq_bob;
DROP ROLE wq_alice;
DROP ROLE wq_bob;
DROP TABLE wq_sales;
DROP EXTENSION quarry;
