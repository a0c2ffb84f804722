-- Webhook calls by time, for the per-webhook rate limit.
CREATE INDEX webhook_executions_by_time ON webhook_executions (created_at);
