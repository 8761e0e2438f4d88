-- sector_shapes.sql: the handmade sector sets of the sector tests, as the
-- temp table src (name, doc): GeoJSON documents modelled on vatSys volumes.
-- "bands": two stacked bands (properties lower/upper, feet) and an
-- unbanded sector over one area; "grid": adjacent squares WEST, EAST, NORTH
-- and DONUT, a square with a hole; "pacific": WRAP across the antimeridian
-- as continuous longitudes (170..190) and SPLIT as two pieces at +-180.
CREATE TEMP TABLE src (name text PRIMARY KEY, doc text);
INSERT INTO src VALUES
('bands', $${"type": "FeatureCollection", "features": [
  {"type": "Feature", "properties": {"name": "LOW", "lower": 0, "upper": 24500},
   "geometry": {"type": "Polygon", "coordinates": [[[150,-35],[152,-35],[152,-33],[150,-33],[150,-35]]]}},
  {"type": "Feature", "properties": {"name": "HIGH", "lower": 24500, "upper": 60000},
   "geometry": {"type": "Polygon", "coordinates": [[[150,-35],[152,-35],[152,-33],[150,-33],[150,-35]]]}},
  {"type": "Feature", "properties": {"name": "ALL"},
   "geometry": {"type": "Polygon", "coordinates": [[[150,-35],[152,-35],[152,-33],[150,-33],[150,-35]]]}}]}$$),
('grid', $${"type": "FeatureCollection", "features": [
  {"type": "Feature", "properties": {"name": "WEST"},
   "geometry": {"type": "Polygon", "coordinates": [[[0,0],[1,0],[1,1],[0,1],[0,0]]]}},
  {"type": "Feature", "properties": {"name": "EAST"},
   "geometry": {"type": "Polygon", "coordinates": [[[1,0],[2,0],[2,1],[1,1],[1,0]]]}},
  {"type": "Feature", "properties": {"name": "NORTH"},
   "geometry": {"type": "Polygon", "coordinates": [[[0,1],[2,1],[2,2],[0,2],[0,1]]]}},
  {"type": "Feature", "properties": {"name": "DONUT"},
   "geometry": {"type": "Polygon", "coordinates": [[[10,10],[14,10],[14,14],[10,14],[10,10]],
                                                  [[11,11],[11,13],[13,13],[13,11],[11,11]]]}}]}$$),
('pacific', $${"type": "FeatureCollection", "features": [
  {"type": "Feature", "properties": {"name": "WRAP"},
   "geometry": {"type": "Polygon", "coordinates": [[[170,-10],[190,-10],[190,10],[170,10],[170,-10]]]}},
  {"type": "Feature", "properties": {"name": "SPLIT"},
   "geometry": {"type": "MultiPolygon", "coordinates": [[[[175,20],[180,20],[180,30],[175,30],[175,20]]],
                                                       [[[-180,20],[-175,20],[-175,30],[-180,30],[-180,20]]]]}}]}$$);
