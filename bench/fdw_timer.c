/*
 * fdw_timer: the timing loop of bench/fdw.sh. One client session (libmariadb or libpq) runs
 * the statements of a file and prints how long each took, measured around the whole round trip:
 * sending the statement, the server running it, and every row reaching this client.
 *
 *   fdw_timer mysql HOST PORT USER PASSWORD DB  <statements
 *   fdw_timer pg    CONNINFO                     <statements
 *
 * Input: one statement per line, "name<TAB>sql". A name starting with '!' is a setup statement
 * (run once, not timed, e.g. to open the FDW's remote connection before the first timed
 * statement). Output: one line per timed statement, "name<TAB>milliseconds<TAB>rows", or
 * "name<TAB>ERROR<TAB>message" when it failed (the next statements still run; a failed setup
 * statement ends the program with exit status 1).
 *
 * MySQL results are streamed (mysql_use_result), every value touched; PostgreSQL results are
 * read whole by PQexec (as psql does), every value touched.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>
#include <mysql.h>

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static MYSQL *my;
static PGconn *pg;
static volatile size_t sink; /* keeps the value reads from being optimized away */

/* A failed statement: its error on one line; the end for a setup statement. */
static long failed(const char *name, const char *message)
{
    char *one_line = strdup(message);
    for (char *c = one_line; *c; c++)
        if (*c == '\n' || *c == '\t')
            *c = ' ';
    if (name[0] == '!') {
        fprintf(stderr, "fdw_timer: %s: %s\n", name, one_line);
        exit(1);
    }
    printf("%s\tERROR\t%s\n", name, one_line);
    fflush(stdout);
    free(one_line);
    return -1;
}

static long run_mysql(const char *name, const char *sql)
{
    if (mysql_real_query(my, sql, strlen(sql)) != 0)
        return failed(name, mysql_error(my));
    long rows = 0;
    MYSQL_RES *res = mysql_use_result(my);
    if (res != NULL) {
        unsigned n = mysql_num_fields(res);
        MYSQL_ROW row;
        while ((row = mysql_fetch_row(res)) != NULL) {
            unsigned long *len = mysql_fetch_lengths(res);
            for (unsigned i = 0; i < n; i++)
                sink += row[i] ? len[i] : 0;
            rows++;
        }
        if (mysql_errno(my) != 0) {
            rows = failed(name, mysql_error(my));
        }
        mysql_free_result(res);
    } else if (mysql_field_count(my) != 0) {
        return failed(name, mysql_error(my));
    }
    return rows;
}

static long run_pg(const char *name, const char *sql)
{
    PGresult *res = PQexec(pg, sql);
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
        PQclear(res);
        return failed(name, PQerrorMessage(pg));
    }
    long rows = PQntuples(res);
    int n = PQnfields(res);
    for (long r = 0; r < rows; r++)
        for (int i = 0; i < n; i++)
            sink += PQgetlength(res, (int)r, i);
    PQclear(res);
    return rows;
}

int main(int argc, char **argv)
{
    int is_mysql;
    if (argc == 7 && strcmp(argv[1], "mysql") == 0) {
        is_mysql = 1;
        my = mysql_init(NULL);
        unsigned proto = MYSQL_PROTOCOL_TCP;
        mysql_options(my, MYSQL_OPT_PROTOCOL, &proto);
        if (!mysql_real_connect(my, argv[2], argv[4], argv[5], argv[6], (unsigned)atoi(argv[3]), NULL, 0)) {
            fprintf(stderr, "fdw_timer: connect: %s\n", mysql_error(my));
            return 1;
        }
        mysql_set_character_set(my, "utf8mb4");
    } else if (argc == 3 && strcmp(argv[1], "pg") == 0) {
        is_mysql = 0;
        pg = PQconnectdb(argv[2]);
        if (PQstatus(pg) != CONNECTION_OK) {
            fprintf(stderr, "fdw_timer: connect: %s", PQerrorMessage(pg));
            return 1;
        }
    } else {
        fprintf(stderr, "usage: fdw_timer mysql HOST PORT USER PASSWORD DB | pg CONNINFO  <statements\n");
        return 2;
    }

    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, stdin)) > 0) {
        if (line[len - 1] == '\n')
            line[--len] = '\0';
        char *tab = strchr(line, '\t');
        if (tab == NULL)
            continue;
        *tab = '\0';
        const char *name = line, *sql = tab + 1;
        double t0 = now_ms();
        long rows = is_mysql ? run_mysql(name, sql) : run_pg(name, sql);
        double ms = now_ms() - t0;
        if (name[0] != '!' && rows >= 0) {
            printf("%s\t%.3f\t%ld\n", name, ms, rows);
            fflush(stdout);
        }
    }
    free(line);
    if (is_mysql)
        mysql_close(my);
    else
        PQfinish(pg);
    return 0;
}
