-- Schemas and privileges of the matchday database. Run by `make up` as the administrator;
-- idempotent. The schemas belong to the administrator, so the pipeline's writer can create
-- and replace tables in them but cannot drop the schemas; analyst and superset only read.
REVOKE ALL ON DATABASE {db} FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE {db} TO {writer};
GRANT CONNECT ON DATABASE {db} TO {analyst}, {superset};
REVOKE CREATE ON SCHEMA public FROM PUBLIC;

CREATE SCHEMA IF NOT EXISTS streaming AUTHORIZATION {admin};
CREATE SCHEMA IF NOT EXISTS staging AUTHORIZATION {admin};
CREATE SCHEMA IF NOT EXISTS marts AUTHORIZATION {admin};
-- The batch layer's history (streaming/batch_layer.py): Silver rows of the cold store, never purged.
CREATE SCHEMA IF NOT EXISTS history AUTHORIZATION {admin};

GRANT USAGE, CREATE ON SCHEMA streaming, staging, marts, history TO {writer};

-- Analysts read every layer; Superset reads the marts and the pipeline's own tables
-- (metrics, dead letters) for the health dashboard.
GRANT USAGE ON SCHEMA streaming, staging, marts, history TO {analyst};
GRANT USAGE ON SCHEMA streaming, marts TO {superset};
GRANT SELECT ON ALL TABLES IN SCHEMA streaming, staging, marts, history TO {analyst};
GRANT SELECT ON ALL TABLES IN SCHEMA streaming, marts TO {superset};
ALTER DEFAULT PRIVILEGES FOR ROLE {writer} IN SCHEMA streaming, staging, marts, history GRANT SELECT ON TABLES TO {analyst};
ALTER DEFAULT PRIVILEGES FOR ROLE {writer} IN SCHEMA streaming, marts GRANT SELECT ON TABLES TO {superset};

-- Read-only by default as well, so even a future grant by mistake does not make them writers.
ALTER ROLE {analyst} SET default_transaction_read_only = on;
ALTER ROLE {superset} SET default_transaction_read_only = on;
