# A one-shot program that starts a run of enrich-issues: publishes StartFlow to RabbitMQ, prints the run id, exits 0
# (with StartRun__WaitFor=00:02:00 it waits for the run's end and exits 0 only if it completed). Build from the
# repository root:
#
#   docker build -f infra/docker/start-publisher.Dockerfile -t resolute-samples/start-publisher .
#
# It serves nothing and lives seconds: no health endpoint, HEALTHCHECK NONE; its exit code is its health.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/ src/
# BuildKit sets TARGETARCH (amd64, arm64): publish for that architecture only (the native libraries of one platform,
# not of twenty). The classic builder leaves it empty: a portable publish.
ARG TARGETARCH
RUN dotnet publish src/Samples/Resolute.Samples.EnrichIssues.StartPublisher/Resolute.Samples.EnrichIssues.StartPublisher.csproj -c Release -o /app/publish -p:UseAppHost=false ${TARGETARCH:+-a $TARGETARCH}

FROM mcr.microsoft.com/dotnet/runtime:10.0 AS final
WORKDIR /app
COPY --from=build /app/publish .
HEALTHCHECK NONE
# The non-root user of the .NET images (app, UID 1654).
USER $APP_UID
ENTRYPOINT ["dotnet", "Resolute.Samples.EnrichIssues.StartPublisher.dll"]
