-- Fails for every state whose three probabilities do not sum to 1.
select match_id, minute, p_home + p_draw + p_away as total
from {{ ref('win_probability') }}
where abs(p_home + p_draw + p_away - 1) > 1e-9
