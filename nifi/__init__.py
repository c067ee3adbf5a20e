"""The visual producer: an Apache NiFi flow that polls football-data.org and publishes the
live-matches contract to Kafka, kept here as NiFi's own flow definition and deployed by
`python -m nifi deploy` through NiFi's REST API."""


class NiFiError(Exception):
    """The flow cannot be deployed or driven as asked; the message says what to do."""


class NiFiApiError(NiFiError):
    """NiFi's REST API refused a request (status and NiFi's own message in the text)."""


class NiFiConfigError(NiFiError):
    """A setting is missing or out of range; the message names it."""
