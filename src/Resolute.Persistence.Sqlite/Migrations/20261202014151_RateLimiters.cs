using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Resolute.Persistence.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class RateLimiters : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "rate_limit_wait_ticks",
                table: "resolute_node_executions",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.CreateTable(
                name: "resolute_rate_limits",
                columns: table => new
                {
                    limiter_key = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    next_start_ticks = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_resolute_rate_limits", x => x.limiter_key);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "resolute_rate_limits");

            migrationBuilder.DropColumn(
                name: "rate_limit_wait_ticks",
                table: "resolute_node_executions");
        }
    }
}
