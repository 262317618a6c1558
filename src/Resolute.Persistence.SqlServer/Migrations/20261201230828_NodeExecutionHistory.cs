using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Resolute.Persistence.SqlServer.Migrations
{
    /// <inheritdoc />
    public partial class NodeExecutionHistory : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "resolute_inbox");

            migrationBuilder.CreateTable(
                name: "resolute_node_executions",
                columns: table => new
                {
                    execution_id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    run_id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    sequence = table.Column<int>(type: "int", nullable: false),
                    node_name = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    step_name = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    attempt = table.Column<int>(type: "int", nullable: false),
                    is_compensation = table.Column<bool>(type: "bit", nullable: false),
                    compensates_node = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    outcome = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    input_json = table.Column<string>(type: "nvarchar(max)", nullable: true),
                    dispatched_at = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    started_at = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true),
                    ended_at = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true),
                    worker_id = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    error_json = table.Column<string>(type: "nvarchar(max)", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_resolute_node_executions", x => x.execution_id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_resolute_node_executions_run_id_sequence",
                table: "resolute_node_executions",
                columns: new[] { "run_id", "sequence" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "resolute_node_executions");

            migrationBuilder.CreateTable(
                name: "resolute_inbox",
                columns: table => new
                {
                    message_id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    consumer_name = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    received_at = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_resolute_inbox", x => new { x.message_id, x.consumer_name });
                });

            migrationBuilder.CreateIndex(
                name: "ix_resolute_inbox_received_at",
                table: "resolute_inbox",
                column: "received_at");
        }
    }
}
