"""Provider adapters: each subpackage maps one provider's data to the domain model."""
