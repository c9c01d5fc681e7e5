-- Clickstream: page views enriched with the user's region (stream-table join), then counted per
-- region in 1-minute tumbling windows.
--   npx eddy run examples/clickstream/clickstream.sql --in-memory --output table \
--     --load users=examples/clickstream/users.jsonl --load pageviews=examples/clickstream/pageviews.jsonl

-- Users: a table keyed by user id (its latest row per key wins).
CREATE TABLE users (user_id STRING PRIMARY KEY, name STRING, region STRING)
  WITH (kafka_topic='users', value_format='json', partitions=1);

-- Page views: a stream; event time comes from the viewtime column (epoch ms).
CREATE STREAM pageviews (user_id STRING, page STRING, viewtime BIGINT)
  WITH (kafka_topic='pageviews', value_format='json', partitions=1, timestamp='viewtime');

-- Each view with the viewer's name and region. A persistent query: it writes the PAGEVIEWS_ENRICHED topic.
CREATE STREAM pageviews_enriched AS
  SELECT pv.user_id AS user_id, u.name AS name, u.region AS region, pv.page AS page
  FROM pageviews pv
  JOIN users u ON pv.user_id = u.user_id
  EMIT CHANGES;

-- Views per region per minute: a windowed table, updated as views arrive.
CREATE TABLE views_per_region AS
  SELECT region, COUNT(*) AS views, COUNT_DISTINCT(user_id) AS users
  FROM pageviews_enriched
  WINDOW TUMBLING (SIZE 1 MINUTE)
  GROUP BY region
  EMIT CHANGES;

-- A push query over the result: every update of every window.
SELECT region,
       TIMESTAMPTOSTRING(WINDOWSTART, 'HH:mm:ss', 'UTC') AS window_start,
       views, users
  FROM views_per_region
  EMIT CHANGES;
