using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Resolute.Persistence.PostgreSql.Migrations
{
    /// <inheritdoc />
    public partial class AddOutboxAndInbox : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "resolute_inbox",
                columns: table => new
                {
                    message_id = table.Column<Guid>(type: "uuid", nullable: false),
                    consumer_name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_resolute_inbox", x => new { x.message_id, x.consumer_name });
                });

            migrationBuilder.CreateTable(
                name: "resolute_outbox",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    run_id = table.Column<Guid>(type: "uuid", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    destination_queue = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    message_type = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    body = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_resolute_outbox", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_resolute_inbox_received_at",
                table: "resolute_inbox",
                column: "received_at");

            migrationBuilder.CreateIndex(
                name: "ix_resolute_outbox_created_at",
                table: "resolute_outbox",
                column: "created_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "resolute_inbox");

            migrationBuilder.DropTable(
                name: "resolute_outbox");
        }
    }
}
