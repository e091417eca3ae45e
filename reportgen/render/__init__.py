"""Stage 3: render — the model and its analysis as HTML, through Jinja templates.

``environment`` is the template search path (a user's folder first, built-ins behind
the ``default:`` prefix), ``theme`` the organisation's colours and logo, ``markup`` the
safe Markdown subset of narrative cells, ``parts`` where a long paper may be cut, and
``paper`` renders the whole paper.
"""
