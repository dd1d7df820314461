-- One role able to create the per-service databases; each service creates and
-- migrates its own database at start.
CREATE ROLE boucle LOGIN PASSWORD 'boucle' CREATEDB;
