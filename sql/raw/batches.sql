-- One row per loaded file (a batch); status 'loaded' or 'rolled_back'.
create table if not exists batches (
    batch_id varchar not null,
    kind varchar not null,
    file_name varchar,
    sha256 varchar not null,
    rows bigint not null,
    questionnaire_id varchar,
    loaded_at timestamp with time zone not null,
    status varchar not null,
    options varchar
);
