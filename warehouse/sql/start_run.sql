INSERT INTO runs (run_id, flow, parameters, code_version, started_at, status)
VALUES ($run_id, $flow, $parameters, $code_version, now(), 'running');
