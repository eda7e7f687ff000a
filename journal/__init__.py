"""Rapport: a pocket relationship journal for salespeople who treat customers as friends."""
import os

from flask import Flask

from . import config


from .web import TypedRequest, TypedSegment


def create_app(test_config=None):
    """Create and configure the Flask app (flaskr-style factory)."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    app = Flask(
        __name__,
        instance_path=config.instance_path(),
        template_folder=os.path.join(root, "templates"),
        static_folder=os.path.join(root, "static"),
    )
    app.request_class = TypedRequest
    app.url_map.converters["default"] = app.url_map.converters["string"] = TypedSegment
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(config.from_environment(app.instance_path, test_config or {}))

    from . import db, demo, migrate, templating
    from .extensions import compress, csrf, htmx, limiter, login_manager

    db.init_app(app)
    migrate.init_app(app)
    demo.init_app(app)
    compress.init_app(app)
    csrf.init_app(app)
    htmx.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    templating.init_app(app)

    from . import (auth, backup, calendar, capture, export_jobs, exports, extraction, findings, gestures, gifts, imports,
                   ops, people, promises, push, pwa, search, tasks, today, today_lists, touches, visits)

    app.session_interface = auth.SessionCookie()
    for blueprint in (ops.bp, auth.bp, today.bp, today_lists.bp, people.bp, search.bp, capture.bp, findings.bp, touches.bp,
                      promises.bp, gifts.bp, gestures.bp, exports.bp, calendar.bp, backup.bp, imports.bp, pwa.bp,
                      export_jobs.bp, visits.bp, push.bp):
        app.register_blueprint(blueprint)
    ops.init_app(app)
    pwa.init_app(app)
    tasks.init_app(app)
    search.init_app(app)
    extraction.init_app(app)
    push.init_app(app)
    return app
