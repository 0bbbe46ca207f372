"""Milvus RESTful API v2 codec: pure functions between JSON bodies and ops, results and envelopes.

``table.ROUTES`` maps every ``/v2/vectordb/<resource>/<action>`` path to a server handler (decode the body into
ops, run them through a caller-supplied ``run``, encode the result as the envelope's payload);
``table.CLIENT`` maps op types to the client-side twin (op → path + body, envelope → result). Value encodings
are in :mod:`.values`, schemas in :mod:`.schema`, error envelopes in :mod:`.errors`. Nothing here imports the
engine or the service.
"""
