"""The indicator store: models, periods, programme definitions, measures and figures. Knows nothing of Dash."""
