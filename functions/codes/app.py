"""The codes API function: routes from healthcode.routes.codes."""

from aws_lambda_powertools import Logger, Metrics
from healthcode import api, shedding
from healthcode.routes import codes

logger = Logger()
metrics = Metrics()
app = api.create_app()
app.use(middlewares=[shedding.shed_load])  # 429/503 with Retry-After, not a timeout, under overload
app.include_router(codes.router)


@logger.inject_lambda_context(correlation_id_path="requestContext.requestId")
@metrics.log_metrics
def lambda_handler(event: dict, context: object) -> dict:
    return api.resolve(app, event, context)
