# A worker pool of the enrich-issues sample (Resolute__Roles=Worker): runs the nodes of the task queues named in
# Resolute__Worker__TaskQueues (e.g. enrichment-queue, or issues-queue; unset: every queue of the flow), on RabbitMQ.
# A worker needs no database. Build from the repository root:
#
#   docker build -f infra/docker/worker.Dockerfile -t resolute-samples/worker .
#
# The same binary as the orchestrator's image, started in the worker role: one pool per task queue, each scaled on its
# own (docker-compose up --scale, KEDA in infra/k8s). Health: GET /health/live and /health/ready on port 8080.

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
ENV Resolute__Roles=Worker
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=10s --start-period=60s --retries=6 \
  CMD ["dotnet", "Resolute.Samples.EnrichIssues.Service.dll", "--probe", "http://localhost:8080/health/ready"]
# The non-root user of the .NET images (app, UID 1654).
USER $APP_UID
ENTRYPOINT ["dotnet", "Resolute.Samples.EnrichIssues.Service.dll"]
