# The orchestrator of the enrich-issues sample: the saga, its timers and schedules (Resolute__Roles=Orchestrator),
# on RabbitMQ and SQL Server. Build from the repository root:
#
#   docker build -f infra/docker/orchestrator.Dockerfile -t resolute-samples/orchestrator .
#
# Settings come from the environment (docker-compose.yml, infra/k8s): Resolute__RabbitMq__Host/Port/User/Pass,
# ConnectionStrings__Resolute, OTEL_*. Health: GET /health/live and /health/ready on port 8080; the HEALTHCHECK runs
# the service's own probe (the runtime image has no curl). tests/Resolute.Operations.Tests runs the build stage's
# commands in CI.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/ src/
# BuildKit sets TARGETARCH (amd64, arm64): publish for that architecture only (the native libraries of one platform,
# not of twenty). The classic builder leaves it empty: a portable publish.
ARG TARGETARCH
RUN dotnet publish src/Samples/Resolute.Samples.EnrichIssues.Service/Resolute.Samples.EnrichIssues.Service.csproj -c Release -o /app/publish -p:UseAppHost=false ${TARGETARCH:+-a $TARGETARCH}

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS final
WORKDIR /app
COPY --from=build /app/publish .
ENV Resolute__Roles=Orchestrator
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=10s --start-period=60s --retries=6 \
  CMD ["dotnet", "Resolute.Samples.EnrichIssues.Service.dll", "--probe", "http://localhost:8080/health/ready"]
# The non-root user of the .NET images (app, UID 1654).
USER $APP_UID
ENTRYPOINT ["dotnet", "Resolute.Samples.EnrichIssues.Service.dll"]
