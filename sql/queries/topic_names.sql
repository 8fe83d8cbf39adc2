-- One row per topic label that has an English name (the company's topics and the
-- questionnaires' own), for the English interface.
select distinct label, label_en,
from topics
where label_en is not null
order by label
