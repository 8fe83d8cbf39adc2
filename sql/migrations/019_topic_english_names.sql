-- Schema 19 (issue 34): a topic may name itself in English (label_en), shown in the English
-- interface in place of its Chinese label.
alter table topics add column if not exists label_en varchar;
