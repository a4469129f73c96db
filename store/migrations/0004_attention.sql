-- 0004: the supervisor's list of requests that need a person: answered by
-- the exchange with a refusal or a request for action. A partial index, so
-- the list stays quick with a long history.
CREATE INDEX requests_attention ON requests (created_at) WHERE state IN ('rejected', 'conflict', 'needs_action');
