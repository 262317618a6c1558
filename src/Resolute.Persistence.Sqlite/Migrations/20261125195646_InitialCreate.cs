using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Resolute.Persistence.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class InitialCreate : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "resolute_flow_runs",
                columns: table => new
                {
                    correlation_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    current_state = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    version = table.Column<int>(type: "INTEGER", nullable: false),
                    flow_name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    flow_version = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    idempotency_key = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    plan_cursor = table.Column<int>(type: "INTEGER", nullable: false),
                    current_step = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    state_json = table.Column<string>(type: "TEXT", nullable: false),
                    progress_json = table.Column<string>(type: "TEXT", nullable: false),
                    error_summary = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    updated_at = table.Column<long>(type: "INTEGER", nullable: false),
                    ended_at = table.Column<long>(type: "INTEGER", nullable: true),
                    next_wake_at = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_resolute_flow_runs", x => x.correlation_id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_resolute_flow_runs_flow_name_current_state",
                table: "resolute_flow_runs",
                columns: new[] { "flow_name", "current_state" });

            migrationBuilder.CreateIndex(
                name: "ix_resolute_flow_runs_next_wake_at",
                table: "resolute_flow_runs",
                column: "next_wake_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "resolute_flow_runs");
        }
    }
}
