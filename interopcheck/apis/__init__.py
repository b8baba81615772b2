"""API documents as people write them: OpenAPI 3.0, 3.1 and Swagger 2.0, one file or many."""
