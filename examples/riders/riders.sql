-- ksqlDB's quickstart (https://ksqldb.io/quickstart.html): riders' locations, their latest
-- position per rider, and riders grouped by distance from Mountain View (GEO_DISTANCE, in km).
--   npx eddy run examples/riders/riders.sql --in-memory --output table \
--     --load locations=examples/riders/locations.jsonl

CREATE STREAM riderLocations (profileId VARCHAR, latitude DOUBLE, longitude DOUBLE)
  WITH (kafka_topic='locations', value_format='json', partitions=1);

-- The latest position of each rider (a table keyed by profileId).
CREATE TABLE currentLocation AS
  SELECT profileId,
         LATEST_BY_OFFSET(latitude) AS la,
         LATEST_BY_OFFSET(longitude) AS lo
  FROM riderLocations
  GROUP BY profileId
  EMIT CHANGES;

-- Riders per distance band (rounded to 10 km) from Mountain View.
CREATE TABLE ridersNearMountainView AS
  SELECT ROUND(GEO_DISTANCE(la, lo, 37.4133, -122.1162), -1) AS distanceInMiles,
         COLLECT_LIST(profileId) AS riders,
         COUNT(*) AS count
  FROM currentLocation
  GROUP BY ROUND(GEO_DISTANCE(la, lo, 37.4133, -122.1162), -1);

-- A push query: riders within 5 km of Mountain View, as their locations arrive.
SELECT * FROM riderLocations
  WHERE GEO_DISTANCE(latitude, longitude, 37.4133, -122.1162) <= 5
  EMIT CHANGES;

-- The distance bands as they change (a table's changelog: each update of each band).
SELECT * FROM ridersNearMountainView EMIT CHANGES;
