"""Sign-in through OpenID Connect providers: ProConnect and the académies' own (django-allauth)."""
