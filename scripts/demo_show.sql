-- quarry demo: how a widget is shown. Included by scripts/demo.sql (psql).
--
-- demo.widget(title, spec) prints, as lines of text: the title, the spec as written, the result
-- of quarry.run as a psql-like aligned table, the SQL that quarry.run ran in MariaDB (its
-- meta.sql: the spec in the mysql dialect), and quarry.translate's SQL for postgres and
-- redshift (line breaks added for reading: at the top-level clauses, and between the items of
-- a clause that would not fit in 100 columns).

-- The result of quarry.run ({"columns": [{"name", "type"}...], "rows": [[...]...]}) as the
-- lines of an aligned table: numbers right-aligned, NULL as an empty cell, headers centred.
CREATE FUNCTION demo.table_lines(result jsonb) RETURNS SETOF text
    LANGUAGE sql IMMUTABLE
    AS $$
    WITH columns AS (
        SELECT n, c ->> 'name' AS name,
               c ->> 'type' IN ('integer', 'numeric', 'double') AS numeric
        FROM jsonb_array_elements(result -> 'columns') WITH ORDINALITY AS t(c, n)
    ),
    cells AS (
        SELECT r, n, CASE jsonb_typeof(v) WHEN 'null' THEN '' ELSE v #>> '{}' END AS cell
        FROM jsonb_array_elements(result -> 'rows') WITH ORDINALITY AS rr(row_values, r),
             jsonb_array_elements(row_values) WITH ORDINALITY AS cc(v, n)
    ),
    widths AS (
        SELECT c.n, c.name, c.numeric,
               greatest(length(c.name), coalesce(max(length(cells.cell)), 0)) AS width
        FROM columns AS c LEFT JOIN cells USING (n)
        GROUP BY c.n, c.name, c.numeric
    ),
    header AS (
        SELECT string_agg(' ' || rpad(repeat(' ', (width - length(name)) / 2) || name, width)
                          || ' ', '|' ORDER BY n) AS line,
               string_agg(repeat('-', width + 2), '+' ORDER BY n) AS rule
        FROM widths
    ),
    body AS (
        SELECT r, string_agg(' ' || CASE WHEN w.numeric THEN lpad(cell, width)
                                         ELSE rpad(cell, width) END || ' ',
                             '|' ORDER BY n) AS line
        FROM cells JOIN widths AS w USING (n)
        GROUP BY r
    ),
    lines AS (
        SELECT 1 AS part, 0::bigint AS r, rtrim(line) AS line FROM header
        UNION ALL SELECT 2, 0, rule FROM header
        UNION ALL SELECT 3, r, rtrim(line) FROM body
        UNION ALL SELECT 4, 0, format('(%s %s)', count(*), CASE count(*) WHEN 1 THEN 'row'
                                                                         ELSE 'rows' END)
                  FROM jsonb_array_elements(result -> 'rows')
    )
    SELECT line FROM lines ORDER BY part, r
$$;

-- One SQL statement as lines of at most `width` characters where it can: a new line at each
-- top-level clause (FROM, WHERE, GROUP BY, ...), and within a clause, breaks after its
-- top-level commas and before its top-level AND/OR, continued lines indented by 4. Parentheses
-- and quoted text ('...', "...", `...`) are never broken.
CREATE FUNCTION demo.sql_lines(sql text, width int DEFAULT 100) RETURNS SETOF text
    LANGUAGE plpgsql IMMUTABLE
    AS $$
DECLARE
    clauses constant text[] := '{FROM,WHERE,GROUP BY,HAVING,ORDER BY,LIMIT,OFFSET}';
    joiners constant text[] := '{AND,OR}';
    pieces text[] := '{}';          -- the unbreakable pieces, in order
    opens_line boolean[] := '{}';   -- whether each piece must start a line (a clause)
    piece text := '';
    piece_opens_line boolean := true;
    depth int := 0;
    quote text;
    i int := 1;
    c text;
    word text;
    matched text;
    line text;
BEGIN
    WHILE i <= length(sql) LOOP
        c := substr(sql, i, 1);
        matched := NULL;
        IF quote IS NULL AND depth = 0 AND c = ' ' THEN
            FOREACH word IN ARRAY clauses || joiners LOOP
                IF substr(sql, i + 1, length(word) + 1) = word || ' ' THEN
                    matched := word;
                    EXIT;
                END IF;
            END LOOP;
        END IF;
        IF matched IS NOT NULL THEN
            pieces := pieces || piece;
            opens_line := opens_line || piece_opens_line;
            piece := matched;
            piece_opens_line := matched = ANY (clauses);
            i := i + length(matched);
        ELSIF quote IS NULL AND depth = 0 AND c = ',' AND substr(sql, i + 1, 1) = ' ' THEN
            pieces := pieces || (piece || ',');
            opens_line := opens_line || piece_opens_line;
            piece := '';
            piece_opens_line := false;
            i := i + 1;
        ELSE
            piece := piece || c;
            IF quote IS NOT NULL THEN
                IF c = quote THEN
                    IF substr(sql, i + 1, 1) = quote THEN  -- a doubled quote stays inside
                        piece := piece || c;
                        i := i + 1;
                    ELSE
                        quote := NULL;
                    END IF;
                END IF;
            ELSIF c IN ('''', '"', '`') THEN
                quote := c;
            ELSIF c = '(' THEN
                depth := depth + 1;
            ELSIF c = ')' THEN
                depth := depth - 1;
            END IF;
        END IF;
        i := i + 1;
    END LOOP;
    pieces := pieces || piece;
    opens_line := opens_line || piece_opens_line;

    FOR i IN 1 .. cardinality(pieces) LOOP
        CONTINUE WHEN pieces[i] = '';
        IF line IS NULL THEN
            line := pieces[i];
        ELSIF opens_line[i] THEN
            RETURN NEXT line;
            line := pieces[i];
        ELSIF length(line) + 1 + length(pieces[i]) > width THEN
            RETURN NEXT line;
            line := '    ' || pieces[i];
        ELSE
            line := line || ' ' || pieces[i];
        END IF;
    END LOOP;
    IF line IS NOT NULL THEN
        RETURN NEXT line;
    END IF;
END
$$;

-- The widgets that failed; demo.sql reports them at the end (and fails).
CREATE TABLE demo.failures (title text, error text);

-- A dashboard widget: its title, its spec, its result, the SQL that ran, and the SQL of the
-- other dialects. A widget whose spec fails shows the error and the demo goes on; demo.sql
-- fails at the end.
CREATE FUNCTION demo.widget(title text, spec text) RETURNS SETOF text
    LANGUAGE plpgsql
    AS $$
DECLARE
    result jsonb;
    dialect text;
    sql_line text;
    first boolean;
    failure text;
BEGIN
    RETURN NEXT '';
    RETURN NEXT '== ' || title || ' ' || repeat('=', greatest(3, 96 - length(title)));
    RETURN QUERY SELECT CASE n WHEN 1 THEN 'spec      ' ELSE '          ' END || line
                 FROM regexp_split_to_table(trim(E'\n' FROM spec), E'\n') WITH ORDINALITY
                      AS t(line, n);
    RETURN NEXT '';
    BEGIN
        result := quarry.run(spec::jsonb);
        RETURN QUERY SELECT '          ' || line FROM demo.table_lines(result) AS line;
        RETURN NEXT '';
        -- What ran: the spec in the server's dialect, one statement, in MariaDB.
        first := true;
        FOR sql_line IN SELECT demo.sql_lines(result -> 'meta' ->> 'sql', 88) LOOP
            RETURN NEXT CASE WHEN first THEN 'MariaDB   ' ELSE repeat(' ', 10) END || sql_line;
            first := false;
        END LOOP;
        FOREACH dialect IN ARRAY '{postgres,redshift}'::text[] LOOP
            first := true;
            FOR sql_line IN SELECT demo.sql_lines(quarry.translate(spec::jsonb, dialect), 88) LOOP
                RETURN NEXT CASE WHEN first THEN rpad(dialect, 10) ELSE repeat(' ', 10) END
                            || sql_line;
                first := false;
            END LOOP;
        END LOOP;
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS failure = MESSAGE_TEXT;
        failure := format('ERROR %s: %s', SQLSTATE, failure);
        INSERT INTO demo.failures VALUES (title, failure);
        RETURN NEXT '          ' || failure;
    END;
END
$$;

-- A spec with a mistake, and the error quarry gives for it (SQLSTATE and message).
CREATE FUNCTION demo.mistake(spec text) RETURNS SETOF text
    LANGUAGE plpgsql
    AS $$
DECLARE
    message text;
BEGIN
    RETURN NEXT 'spec      ' || spec;
    BEGIN
        PERFORM quarry.run(spec::jsonb);
        INSERT INTO demo.failures VALUES (spec, 'no error for a wrong spec');
        RETURN NEXT '          (no error: that is a bug)';
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS message = MESSAGE_TEXT;
        RETURN NEXT format('          ERROR %s: %s', SQLSTATE, message);
    END;
    RETURN NEXT '';
END
$$;
