SELECT
  -1 AS neg_int,
  -9223372036854775808 AS min_long,
  1.50 AS dec,
  1.5E3 AS dbl,
  'it''s' AS str,
  TIMESTAMP '2024-01-01T00:00:00' AS ts,
  a + b * c - d / e % f AS arith,
  x || ' ' || y AS joined,
  NOT a = 1 AND b <> 2 OR c IS NOT NULL AS logic,
  v BETWEEN 1 AND 10 AS in_range,
  w NOT LIKE 'a!%%' ESCAPE '!' AS pattern,
  z IS DISTINCT FROM q AS distinct_from,
  CASE WHEN n < 0 THEN 'neg' WHEN n = 0 THEN 'zero' ELSE 'pos' END AS sign,
  CASE kind WHEN 1 THEN 'one' END AS simple,
  CAST(n AS ARRAY<DECIMAL(4, 2)>) AS casted,
  ARRAY[1, 2, 3][-1] AS last,
  MAP('k' := 1)['k'] AS looked_up,
  STRUCT(a := 1, `B` := 'x')->B AS field,
  TRANSFORM(arr, (i) => i * 2) AS doubled,
  REDUCE(arr, 0, (acc, i) => acc + i) AS total,
  TIMESTAMPADD(MINUTES, 5, ROWTIME) AS later,
  ts AT TIME ZONE 'Europe/Paris' AS local_ts,
  s->*
FROM src
EMIT CHANGES
LIMIT 10;
