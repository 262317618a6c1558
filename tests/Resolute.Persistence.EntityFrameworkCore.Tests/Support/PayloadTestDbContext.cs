using Microsoft.EntityFrameworkCore;

namespace Resolute.Persistence.EntityFrameworkCore.Tests.Support;

/// <summary>A row a saga activity adds through the DbContext payload (stands in for a future outbox row).</summary>
public sealed class AuditRow
{
    public Guid Id { get; set; }

    public Guid RunId { get; set; }

    public string Note { get; set; } = string.Empty;
}

/// <summary>The saga context plus one table of the test's own (created with EnsureCreated).</summary>
public sealed class PayloadTestDbContext(DbContextOptions<PayloadTestDbContext> options) : ResoluteDbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.Entity<AuditRow>(row =>
        {
            row.ToTable("test_audit_rows");
            row.HasKey(x => x.Id);
            row.Property(x => x.Note).HasMaxLength(200);
        });
    }
}
