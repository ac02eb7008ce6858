-- Finer statistics on the search vector: with the default target the planner believes any word
-- outside the most common ones matches 0.4 % of tickets and walks the whole table backwards
-- looking for it (1.3 s for a word found nowhere at 1M tickets); with 1000 it uses the GIN index
-- for rare words (14 ms). Takes effect at the next ANALYZE (autovacuum runs one).
ALTER TABLE ticket_search ALTER COLUMN vec SET STATISTICS 1000;
