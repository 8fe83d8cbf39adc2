-- Schema 2: each response's overall-satisfaction item score (0-100), for key-driver analysis
-- without scanning every answer.
alter table response_scores add column overall_score double;
