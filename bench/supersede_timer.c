/*
 * supersede_timer: bench/worker.sh's "superseding" measurement. How long from a superseding
 * quarry.submit (same channel, same tenant and role) until the superseded job's statement is
 * gone from MariaDB's processlist.
 *
 *   supersede_timer TRIALS PG_CONNINFO MY_HOST MY_PORT MY_USER MY_PASSWORD  <specs
 *
 * stdin: two lines, the old spec and the new spec (JSON). The old spec must hold the text
 * MARKER where a trial's unique number goes (a filter value), so that its remote SQL can be told
 * from any other statement and no two trials share a cache key or a single flight; it should
 * take seconds on the remote database. Per trial:
 *
 *   1. quarry.submit(old, channel) on the PostgreSQL session (autocommit: the worker sees it);
 *   2. poll information_schema.processlist (MariaDB session) until a statement holding the
 *      trial's marker is there (the job is running remotely), then wait 200 ms more;
 *   3. t0; quarry.submit(new, channel); t1 (the submit's commit returned);
 *   4. poll the processlist in a tight loop until no statement with the marker is left: t2.
 *
 * Output, one line per trial: "trial<TAB>submit_ms<TAB>gone_after_submit_start_ms<TAB>
 * gone_after_submit_return_ms<TAB>polls<TAB>old job state", the times from a monotonic clock.
 * The resolution is one processlist round trip (the mean, from t1 to t2 over the polls, is printed
 * at the end on stderr).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>
#include <mysql.h>

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static PGconn* pg;
static MYSQL* my;

static void die(const char* what, const char* message) {
    fprintf(stderr, "supersede_timer: %s: %s\n", what, message);
    exit(1);
}

/* One value of a one-row PostgreSQL query with one text parameter list; the caller frees. */
static char* pg_value(const char* sql, int n, const char* const* params) {
    PGresult* res = PQexecParams(pg, sql, n, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) die(sql, PQerrorMessage(pg));
    char* v = strdup(PQgetvalue(res, 0, 0));
    PQclear(res);
    return v;
}

/* Statements of other sessions whose text holds the marker. */
static long remote_count(const char* marker) {
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID() "
             "AND INFO LIKE '%%%s%%'",
             marker);
    if (mysql_real_query(my, sql, strlen(sql)) != 0) die("processlist", mysql_error(my));
    MYSQL_RES* res = mysql_store_result(my);
    if (res == NULL) die("processlist", mysql_error(my));
    MYSQL_ROW row = mysql_fetch_row(res);
    long n = row ? atol(row[0]) : -1;
    mysql_free_result(res);
    return n;
}

/* The spec with MARKER replaced by the trial's number. */
static char* with_marker(const char* spec, const char* number) {
    const char* at = strstr(spec, "MARKER");
    if (at == NULL) die("old spec", "has no MARKER");
    size_t len = strlen(spec) - 6 + strlen(number) + 1;
    char* out = malloc(len);
    snprintf(out, len, "%.*s%s%s", (int)(at - spec), spec, number, at + 6);
    return out;
}

static char* read_line(void) {
    char* line = NULL;
    size_t cap = 0;
    ssize_t len = getline(&line, &cap, stdin);
    if (len <= 0) die("stdin", "two lines expected: the old spec and the new spec");
    if (line[len - 1] == '\n') line[len - 1] = '\0';
    return line;
}

int main(int argc, char** argv) {
    if (argc != 7) {
        fprintf(stderr,
                "usage: supersede_timer TRIALS PG_CONNINFO MY_HOST MY_PORT MY_USER MY_PASSWORD  "
                "<specs\n");
        return 2;
    }
    int trials = atoi(argv[1]);
    pg = PQconnectdb(argv[2]);
    if (PQstatus(pg) != CONNECTION_OK) die("connect", PQerrorMessage(pg));
    my = mysql_init(NULL);
    unsigned proto = MYSQL_PROTOCOL_TCP;
    mysql_options(my, MYSQL_OPT_PROTOCOL, &proto);
    if (!mysql_real_connect(my, argv[3], argv[5], argv[6], NULL, (unsigned)atoi(argv[4]), NULL, 0))
        die("connect", mysql_error(my));
    char* old_spec = read_line();
    char* new_spec = read_line();

    long total_polls = 0;
    double total_poll_ms = 0;
    for (int trial = 1; trial <= trials; trial++) {
        /* A marker no earlier trial used: 7 digits from the clock, then the trial. */
        char number[32], channel[64];
        snprintf(number, sizeof number, "%ld%03d", (long)time(NULL) % 10000000, trial);
        snprintf(channel, sizeof channel, "supersede-%s", number);
        char* old_json = with_marker(old_spec, number);
        const char* submit_old[] = {old_json, channel};
        char* old_job = pg_value("SELECT quarry.submit($1::jsonb, $2)", 2, submit_old);

        double wait_start = now_ms();
        while (remote_count(number) == 0) {
            if (now_ms() - wait_start > 30000)
                die("old job", "its statement did not reach MariaDB within 30 s");
        }
        struct timespec settle = {0, 200 * 1000 * 1000};
        nanosleep(&settle, NULL);
        if (remote_count(number) == 0)
            die("old job", "its statement ended by itself: make the old spec slower");

        const char* submit_new[] = {new_spec, channel};
        double t0 = now_ms();
        char* new_job = pg_value("SELECT quarry.submit($1::jsonb, $2)", 2, submit_new);
        double t1 = now_ms();
        long polls = 0;
        double t2;
        for (;;) {
            polls++;
            if (remote_count(number) == 0) {
                t2 = now_ms();
                break;
            }
            if (now_ms() - t0 > 60000)
                die("old statement", "still in the processlist 60 s after the superseding submit");
        }
        total_polls += polls;
        total_poll_ms += t2 - t1;

        const char* job_param[] = {old_job};
        char* state = pg_value("SELECT state FROM quarry.jobs WHERE id = $1::bigint", 1, job_param);
        /* The new job's result is not needed; let it finish before the next trial. */
        const char* wait_param[] = {new_job};
        free(pg_value("SELECT quarry.wait($1::bigint, 60000)::text", 1, wait_param));
        printf("%d\t%.3f\t%.3f\t%.3f\t%ld\t%s\n", trial, t1 - t0, t2 - t0, t2 - t1, polls, state);
        fflush(stdout);
        free(state);
        free(new_job);
        free(old_job);
        free(old_json);
    }
    fprintf(stderr, "supersede_timer: mean processlist poll %.3f ms\n",
            total_polls ? total_poll_ms / total_polls : 0.0);
    free(old_spec);
    free(new_spec);
    mysql_close(my);
    PQfinish(pg);
    return 0;
}
