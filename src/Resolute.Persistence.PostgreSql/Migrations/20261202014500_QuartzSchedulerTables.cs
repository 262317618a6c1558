using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Resolute.Persistence.EntityFrameworkCore;
using Resolute.Persistence.EntityFrameworkCore.Schedules;

#nullable disable

namespace Resolute.Persistence.PostgreSql.Migrations
{
    /// <summary>
    /// The tables of Quartz's job store (cron schedules), from the DDL Quartz ships (create-if-missing statements).
    /// Raw SQL only: the EF model and its snapshot do not change.
    /// </summary>
    [DbContext(typeof(ResoluteDbContext))]
    [Migration("20261202014500_QuartzSchedulerTables")]
    public partial class QuartzSchedulerTables : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder) => QuartzTables.Create(migrationBuilder, QuartzTables.PostgreSql);

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder) => QuartzTables.Drop(migrationBuilder, QuartzTables.PostgreSql);
    }
}
