-- The alerts that went out (sent to the webhook, or logged when none is set), once each: a second
-- consumer group re-sends the same alert under the same key, and a claim whose POST never got an
-- answer (`sending`) is not known to have reached anyone.
select distinct on (alert_key)
    alert_key,
    kind,
    match_id,
    event_id,
    message,
    coalesce(sent_at, claimed_at) as sent_at
from {{ source('streaming', 'alerts_sent') }}
where status in ('sent', 'logged')
order by alert_key, coalesce(sent_at, claimed_at)
