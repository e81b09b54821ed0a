-- PostgreSQL only: the audit log refuses updates and deletes, whoever asks.
create function audit_log_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'audit_log is append-only';
end;
$$;
create trigger audit_log_no_update before update or delete on audit_log
  for each statement execute function audit_log_append_only();
